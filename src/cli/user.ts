import type { Deps } from '../deps.js'
import { findUserId } from '../features/auth/user-status.repo.js'
import { changeUserStatus, USER_STATUS } from '../features/auth/user-status.js'

/** Usage line of the `user` command. */
export const USER_USAGE = `  user disable|enable <mobile|id>
            disable or enable a user; running API nodes apply it at once (through Redis),
            an embedded server within 5 s; disabling also ends the user's open sockets`

const ACTIONS = { disable: USER_STATUS.disabled, enable: USER_STATUS.enabled } as const

/** `user disable|enable <mobile|id>`: returns the process exit code (0 done, 1 no such user, 2 usage). */
export async function userCommand(
  deps: Pick<Deps, 'db' | 'cache' | 'redis' | 'userSockets'>,
  args: readonly string[],
  print: (line: string) => void = console.log,
): Promise<number> {
  const [action, who, ...rest] = args
  if ((action !== 'disable' && action !== 'enable') || !who || rest.length > 0) {
    print(`usage:\n${USER_USAGE}`)
    return 2
  }
  const userId = await findUserId(deps.db.write, who)
  if (userId === null || !(await changeUserStatus(deps, userId, ACTIONS[action]))) {
    print(`no user with mobile or id ${who}`)
    return 1
  }
  print(`user ${userId} ${action}d`)
  return 0
}
