import { randomInt } from 'node:crypto'

// No 0/O, 1/l/I: a name people read aloud or type.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** What a generated name looks like: `用户` and six random letters or digits. */
export const NEW_USER_NAME = /^用户[a-zA-Z2-9]{6}$/

/**
 * A name for a new user that says nothing about their mobile (the original used the number
 * itself, shown to everyone on profiles and comments): `用户` + 6 random characters, about
 * 3 × 10^10 of them; the unique index on `user_name` catches the rare repeat.
 */
export function newDisplayName(): string {
  let suffix = ''
  for (let i = 0; i < 6; i++) suffix += ALPHABET[randomInt(ALPHABET.length)]
  return `用户${suffix}`
}
