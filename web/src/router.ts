import { useEffect, useState } from 'react';

/** Hash routes, so the app works from any path `basis serve` mounts it on and a reload keeps the page. */
export type Route =
  | { readonly page: 'runs' }
  | { readonly page: 'new' }
  | { readonly page: 'run'; readonly id: string; readonly tab: 'dashboard' | 'events' }
  | { readonly page: 'compare'; readonly ids: readonly string[] };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts[0] === 'new') return { page: 'new' };
  if (parts[0] === 'runs' && parts[1] !== undefined) return { page: 'run', id: parts[1], tab: parts[2] === 'events' ? 'events' : 'dashboard' };
  if (parts[0] === 'compare') return { page: 'compare', ids: (params.get('ids') ?? '').split(',').filter((s) => s.length > 0) };
  return { page: 'runs' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'runs':
      return '#/runs';
    case 'new':
      return '#/new';
    case 'run':
      return `#/runs/${encodeURIComponent(route.id)}${route.tab === 'events' ? '/events' : ''}`;
    case 'compare':
      return `#/compare?ids=${route.ids.map(encodeURIComponent).join(',')}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
