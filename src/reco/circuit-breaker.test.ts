import { describe, expect, it } from 'vitest'
import { circuitBreaker, type BreakerState } from './circuit-breaker.js'

describe('circuit breaker (fixed clock)', () => {
  it('opens after consecutive failures, lets one trial through after the cooldown, closes on success', () => {
    let clock = 0
    const changes: BreakerState[] = []
    const breaker = circuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1000,
      now: () => clock,
      onChange: (state) => changes.push(state),
    })
    for (let i = 0; i < 2; i++) {
      expect(breaker.allow()).toBe(true)
      breaker.failure()
    }
    breaker.success()
    for (let i = 0; i < 3; i++) {
      expect(breaker.allow()).toBe(true)
      breaker.failure()
    }
    expect(breaker.state).toBe('open')
    expect(breaker.allow()).toBe(false)
    clock = 999
    expect(breaker.allow()).toBe(false)
    clock = 1000
    expect(breaker.allow()).toBe(true)
    expect(breaker.state).toBe('half-open')
    expect(breaker.allow()).toBe(false)
    breaker.failure()
    expect(breaker.state).toBe('open')
    clock = 2000
    expect(breaker.allow()).toBe(true)
    breaker.success()
    expect(breaker.state).toBe('closed')
    expect(breaker.allow()).toBe(true)
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed'])
  })
})
