/** Fixed routers for destination tests (the mapping engine has its own tests). */
import type { Router } from '../../main/engine/routing/types';
import { defaultResolver } from '../../main/engine/convert/addresses';

/** Every item goes to each of these mailboxes. */
export function toMailboxes(mailboxes: string[]): Router {
  return {
    mappingVersion: null,
    route: (_item, folder) => ({ resolve: defaultResolver, targets: mailboxes.map((mailbox) => ({ mailbox, folder })), unmappedIdentities: [], unmapped: false }),
  };
}
