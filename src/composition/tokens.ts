/** DI tokens; symbols so nothing outside the composition root depends on inversify. */
export const TOKENS = {
  Clock: Symbol.for('warp.Clock'),
  Ids: Symbol.for('warp.Ids'),
  Processes: Symbol.for('warp.Processes'),
  Quarantine: Symbol.for('warp.Quarantine'),
  Backend: Symbol.for('warp.Backend'),
  Session: Symbol.for('warp.Session'),
  Settings: Symbol.for('warp.Settings'),
  AppDeps: Symbol.for('warp.AppDeps'),
  App: Symbol.for('warp.App'),
} as const;
