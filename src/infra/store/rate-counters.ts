/** Hits in a fixed window, and how long the window still runs. */
export interface RateWindow {
  hits: number
  ttlMs: number
}

/**
 * Fixed-window counters for rate limits: Redis (`INCR` + `PEXPIRE`) when present, so limits hold
 * across nodes; an SQL table when embedded, so they survive a restart.
 */
export interface RateCounterStore {
  /** Counts one hit; the first hit of a key (or after its window ended) opens a `windowMs` window. */
  hit(key: string, windowMs: number): Promise<RateWindow>
  /** The open window of `key` without counting (0 hits when none is open). */
  peek(key: string): Promise<RateWindow>
}

/** Every rate-limit key starts with this, e.g. `headline:ratelimit:login:mobile:13911111111`. */
export const RATE_LIMIT_PREFIX = 'headline:ratelimit:'
