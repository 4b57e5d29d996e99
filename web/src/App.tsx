import { href, useRoute } from './router';
import { useTheme } from './theme';

/** The shell: header with navigation and the theme switch; each page owns its own data loading. */
export function App(): React.JSX.Element {
  const route = useRoute();
  const [theme, toggleTheme] = useTheme();
  return (
    <div className="app">
      <header className="app-header">
        <a className="brand" href={href({ page: 'runs' })}>
          Basis
        </a>
        <nav aria-label="main">
          <a href={href({ page: 'runs' })} aria-current={route.page === 'runs' ? 'page' : undefined}>
            Runs
          </a>
          <a href={href({ page: 'new' })} aria-current={route.page === 'new' ? 'page' : undefined}>
            New backtest
          </a>
        </nav>
        <button type="button" className="theme-toggle" onClick={toggleTheme} aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      <main className="app-main">
        <p>{route.page}</p>
      </main>
    </div>
  );
}
