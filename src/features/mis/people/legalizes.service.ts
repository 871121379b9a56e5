import type { Deps } from '../../../deps.js'
import { forgetUser } from '../../users/index.js'
import { logOperation, type Actor } from '../system/operation-log.repo.js'
import { LEGALIZE, findLegalizes, setLegalizeStatus, setUserFlag } from './legalizes.repo.js'

/** The original's default reason of a rejection. */
export const DEFAULT_LEGALIZE_REASON = '资料不通过，驳回'

/**
 * Approves (2) or rejects (3) applications in one transaction. A real-name application sets the
 * user's `is_verified`, a qualification their `is_media`, to 1 on approval and 0 on rejection;
 * the users' cached profiles are dropped after the commit. Returns how many applications changed.
 */
export async function reviewLegalizes(
  deps: Pick<Deps, 'db' | 'cache'>,
  actor: Actor,
  ids: bigint[],
  status: 2 | 3,
  reason: string | undefined,
): Promise<number> {
  const found = await deps.db.write.transaction().execute(async (trx) => {
    const found = await findLegalizes(trx, [...new Set(ids)])
    if (found.length === 0) return found
    const approved = status === LEGALIZE.approved
    const rejectReason = approved ? null : reason?.trim() || DEFAULT_LEGALIZE_REASON
    await setLegalizeStatus(
      trx,
      found.map((l) => l.id),
      status,
      rejectReason,
    )
    const usersOf = (type: number) => found.filter((l) => l.type === type).map((l) => l.userId)
    await setUserFlag(trx, usersOf(LEGALIZE.realName), 'is_verified', approved ? 1 : 0)
    await setUserFlag(trx, usersOf(LEGALIZE.qualification), 'is_media', approved ? 1 : 0)
    const what = approved ? '通过' : '驳回'
    await logOperation(trx, actor, '审核', `认证${what}: ${found.map((l) => l.id).join(', ')}`)
    return found
  })
  await Promise.all([...new Set(found.map((l) => l.userId))].map((id) => forgetUser(deps, id)))
  return found.length
}
