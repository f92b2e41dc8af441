/**
 * The only view of logging the core has. main.ts backs it with @actions/core;
 * tests back it with an array.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}
