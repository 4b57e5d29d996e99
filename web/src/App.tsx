import { href, useRoute } from './router';
import { useTheme } from './theme';
import { TokenButton } from './components/TokenButton';
import { Compare } from './pages/Compare';
import { RunPage } from './pages/RunPage';
import { Runs } from './pages/Runs';
import { Wizard } from './pages/Wizard';

/** The shell: header with navigation and the theme switch; each page owns its own data loading. */
export function App(): React.JSX.Element {
  const route = useRoute();
  const [theme, toggleTheme] = useTheme();
  return (
    <div className="app">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <a className="brand" href={href({ page: 'runs' })}>
          Basis
        </a>
        <nav aria-label="main">
          <a href={href({ page: 'runs' })} aria-current={route.page === 'runs' ? 'page' : undefined} data-testid="nav-runs">
            Runs
          </a>
          <a href={href({ page: 'new' })} aria-current={route.page === 'new' ? 'page' : undefined} data-testid="nav-new">
            New backtest
          </a>
        </nav>
        <TokenButton />
        <button type="button" className="theme-toggle" onClick={toggleTheme} aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      <main className="app-main" id="main">
        {route.page === 'runs' && <Runs />}
        {route.page === 'new' && <Wizard />}
        {route.page === 'run' && <RunPage key={route.id} id={route.id} tab={route.tab} />}
        {route.page === 'compare' && <Compare key={route.ids.join(',')} ids={route.ids} />}
      </main>
    </div>
  );
}
