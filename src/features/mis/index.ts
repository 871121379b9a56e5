import type { Feature } from '../../http/feature.js'
import { registerMisAuth } from './access/guard.js'
import { loginRoutes } from './access/login.routes.js'
import { administratorsRoutes } from './system/administrators.routes.js'
import { groupsRoutes } from './system/groups.routes.js'
import { operationLogRoutes } from './system/operation-log.routes.js'
import { permissionsRoutes } from './system/permissions.routes.js'
import { articlesReviewRoutes } from './content/articles.routes.js'
import { channelsAdminRoutes } from './content/channels.routes.js'
import { sensitiveWordsRoutes } from './content/sensitive-words.routes.js'
import { legalizesRoutes } from './people/legalizes.routes.js'
import { usersAdminRoutes } from './people/users.routes.js'
import { statisticsRoutes } from './statistics/statistics.routes.js'

/** The admin API (`/mis/v1_0`): every route but login behind `mis_permission_required`. */
export const misRoutes: Feature = async (app, { deps }) => {
  registerMisAuth(app)
  const features = [
    loginRoutes,
    administratorsRoutes,
    groupsRoutes,
    permissionsRoutes,
    operationLogRoutes,
    channelsAdminRoutes,
    articlesReviewRoutes,
    sensitiveWordsRoutes,
    usersAdminRoutes,
    legalizesRoutes,
    statisticsRoutes,
  ]
  for (const routes of features) await app.register(routes, { deps })
}
