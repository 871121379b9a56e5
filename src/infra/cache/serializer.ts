const BIGINT_TAG = '$bigint'

/** JSON for cache values in Redis that keeps 64-bit ids as exact bigints. */
export const bigintJson = {
  serialize(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? { [BIGINT_TAG]: v.toString() } : v,
    )
  },
  deserialize(text: string): unknown {
    return JSON.parse(text, (_key, v: unknown) => {
      if (v !== null && typeof v === 'object' && BIGINT_TAG in v) {
        return BigInt((v as Record<string, string>)[BIGINT_TAG] as string)
      }
      return v
    })
  },
}
