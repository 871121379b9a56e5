/** Twitter's epoch, as in the original `id_worker.py`. */
export const TWEPOCH = 1288834974657n
const SEQUENCE_MASK = 4095n

/** Thrown when the clock went back further than the generator is willing to ride out. */
export class ClockMovedBackwardsError extends Error {}

/** Thrown while the generator holds no valid worker id (its lease lapsed or was never taken). */
export class WorkerIdUnavailableError extends Error {}

/** Generates 64-bit Snowflake ids: 41 bits of ms since TWEPOCH, 5 datacenter, 5 worker, 12 sequence. */
export class Snowflake {
  private lastMs = -1n
  private sequence = 0n
  private node = 0n
  private validUntilMs = Infinity

  constructor(
    readonly datacenterId: number,
    workerId: number,
    private readonly now: () => number = Date.now,
    /** How far back the clock may jump before ids are refused. */
    private readonly maxBackwardsMs = 5000,
  ) {
    if (datacenterId < 0 || datacenterId > 31) {
      throw new RangeError('datacenter and worker ids must be from 0 to 31')
    }
    this.useWorker(workerId, Infinity)
  }

  /**
   * Mints with `workerId` until `validUntilMs` (a lease's end), then refuses. Ids stay unique
   * across a switch: the worker bits differ, or the sequence goes on within one millisecond.
   */
  useWorker(workerId: number, validUntilMs: number): void {
    if (workerId < 0 || workerId > 31) {
      throw new RangeError('datacenter and worker ids must be from 0 to 31')
    }
    this.node = (BigInt(this.datacenterId) << 17n) | (BigInt(workerId) << 12n)
    this.validUntilMs = validUntilMs
  }

  /** The next id, strictly greater than every id this generator returned with its worker id. */
  nextId(): bigint {
    const now = this.now()
    if (now >= this.validUntilMs) {
      throw new WorkerIdUnavailableError('No Snowflake worker id is leased; refusing to mint ids')
    }
    let ms = BigInt(now)
    if (ms < this.lastMs) {
      // A small step back (NTP slew, VM pause): keep counting on the last millisecond we used,
      // so ids stay unique and ordered without blocking the event loop.
      if (this.lastMs - ms > BigInt(this.maxBackwardsMs)) {
        throw new ClockMovedBackwardsError(
          `Clock moved backwards by ${this.lastMs - ms} ms; refusing to generate ids`,
        )
      }
      ms = this.lastMs
    }
    if (ms === this.lastMs) {
      this.sequence = (this.sequence + 1n) & SEQUENCE_MASK
      // Sequence exhausted within this millisecond: borrow the next one.
      if (this.sequence === 0n) ms = this.lastMs + 1n
    } else {
      this.sequence = 0n
    }
    this.lastMs = ms
    return ((ms - TWEPOCH) << 22n) | this.node | this.sequence
  }
}

/** The creation time encoded in a Snowflake id. */
export function snowflakeTime(id: bigint): Date {
  return new Date(Number((id >> 22n) + TWEPOCH))
}
