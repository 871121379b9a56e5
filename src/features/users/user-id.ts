import type { Deps } from '../../deps.js'
import { idOf } from '../../http/reqparse-types.js'
import { storedId } from '../../http/schemas.js'
import { cachedUser } from './users.cache.js'

/** `parser.user_id`: an existing user's id; every failure is `Invalid target user id.` */
export const userIdArg = (deps: Pick<Deps, 'cache' | 'db'>) =>
  idOf('Invalid target user id.', async (id) => {
    const stored = storedId(id)
    return stored !== null && (await cachedUser(deps, stored)) !== null
  })
