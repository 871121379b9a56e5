import type { Deps } from '../../deps.js'
import { idOf } from '../../http/reqparse-types.js'
import { storedId } from '../../http/schemas.js'
import { cachedArticleInfo } from './articles.cache.js'

/** `parser.article_id`: an approved article's id; every failure is `Invalid target article id.` */
export const articleIdArg = (deps: Pick<Deps, 'cache' | 'db'>) =>
  idOf('Invalid target article id.', async (id) => {
    const stored = storedId(id)
    return stored !== null && (await cachedArticleInfo(deps, stored)) !== null
  })
