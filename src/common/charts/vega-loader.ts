import { pathToFileURL } from 'node:url';

export type VegaModule = typeof import('vega');
export type VegaLiteModule = typeof import('vega-lite');

export interface VegaModules {
  vega: VegaModule;
  vegaLite: VegaLiteModule;
}

/**
 * vega and vega-lite are ESM-only and their graph has a top-level await (vega-canvas probes for
 * the optional `canvas` package), so Node 20's require(esm) refuses them (ERR_REQUIRE_ASYNC_MODULE).
 * A real dynamic import() loads them; it is built with Function so that neither the app's swc build
 * nor jest's swc transform rewrites it into require(). The path is resolved here, not by the caller,
 * so it does not matter where the import() itself runs from.
 */
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

let loading: Promise<VegaModules> | null = null;

function urlOf(specifier: 'vega' | 'vega-lite'): string {
  return pathToFileURL(require.resolve(specifier)).href;
}

/** Loads both once per process (about 250 ms the first time). */
export function loadVega(): Promise<VegaModules> {
  // One after the other: they share modules (vega-util …), and jest's ESM loader fails on two
  // concurrent imports of one module ("request for './accessor.js' is not in cache").
  loading ??= (async () => {
    const vega = (await importEsm(urlOf('vega'))) as VegaModule;
    const vegaLite = (await importEsm(urlOf('vega-lite'))) as VegaLiteModule;
    return { vega, vegaLite };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
