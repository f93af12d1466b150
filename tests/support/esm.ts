// A real dynamic import() of an ES module from the tests: the test runner compiles to CommonJS,
// which would turn `await import(x)` into require(), and require() of an ES module fails on Node 20.
export const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;
