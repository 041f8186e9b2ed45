import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export type VegaModule = typeof vega;
export type VegaLiteModule = typeof vegaLite;

export interface VegaModules {
  vega: VegaModule;
  vegaLite: VegaLiteModule;
}

/**
 * vega 5 and vega-lite 5 ship CommonJS builds, so they load with a plain require in the app and in
 * jest alike (vega 6 is ESM-only with a top-level await, which neither require(esm) nor jest's VM
 * handles). Kept async so callers need not change if loading ever becomes lazy again.
 */
export function loadVega(): Promise<VegaModules> {
  return Promise.resolve({ vega, vegaLite });
}
