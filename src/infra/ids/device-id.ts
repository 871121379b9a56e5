/** Longest anonymous device id accepted (`Authorization: Anony <id>`). */
export const DEVICE_ID_MAX_LENGTH = 64

const DEVICE_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${DEVICE_ID_MAX_LENGTH}}$`)

/**
 * True for a usable anonymous device id: 1–64 letters, digits, `.`, `_`, `:` or `-` (UUIDs,
 * hex and numeric ids). Anything else is treated as no identity: it gets no state of its own.
 */
export function isDeviceId(value: string): boolean {
  return DEVICE_ID.test(value)
}
