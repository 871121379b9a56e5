/** closed: calls go through; open: calls are refused; half-open: one trial call goes through. */
export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number
  /** How long the circuit stays open before a trial call is let through. */
  cooldownMs?: number
  now?: () => number
  /** Told of every state change (metrics, logs). */
  onChange?: (state: BreakerState) => void
}

/** A circuit breaker: after repeated failures, stop calling a sick service for a while. */
export interface CircuitBreaker {
  readonly state: BreakerState
  /** Whether a call may be made now; in half-open state only one caller gets `true`. */
  allow(): boolean
  /** The call that was allowed succeeded. */
  success(): void
  /** The call that was allowed failed. */
  failure(): void
}

/** A breaker with consecutive-failure counting and a single trial call after the cooldown. */
export function circuitBreaker(options: BreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5
  const cooldown = options.cooldownMs ?? 2_000
  const now = options.now ?? Date.now
  let state: BreakerState = 'closed'
  let failures = 0
  let openedAt = 0
  let trialInFlight = false
  const move = (next: BreakerState) => {
    if (next === state) return
    state = next
    options.onChange?.(next)
  }
  const open = () => {
    openedAt = now()
    trialInFlight = false
    move('open')
  }
  return {
    get state() {
      return state
    },
    allow() {
      if (state === 'closed') return true
      if (state === 'open' && now() - openedAt >= cooldown) move('half-open')
      if (state === 'half-open' && !trialInFlight) {
        trialInFlight = true
        return true
      }
      return false
    },
    success() {
      failures = 0
      trialInFlight = false
      move('closed')
    },
    failure() {
      failures += 1
      if (state === 'half-open' || failures >= threshold) open()
    },
  }
}
