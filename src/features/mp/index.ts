import type { Feature } from '../../http/feature.js'
import { mpArticlesRoutes } from './mp-articles.routes.js'
import { mpAuthRoutes } from './mp-auth.routes.js'
import { mpCommentsRoutes } from './mp-comments.routes.js'
import { mpUserRoutes } from './mp-user.routes.js'

/** The media platform's routes (`/v1_0/…`), mounted under `/mp`. */
export const mpRoutes: Feature = async (app, options) => {
  for (const feature of [mpAuthRoutes, mpUserRoutes, mpArticlesRoutes, mpCommentsRoutes])
    await app.register(feature, { deps: options.deps })
}
