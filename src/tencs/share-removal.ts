import type { Logger } from '../log.js';
import { withConnectorRetry, type RetryPolicy } from './connector-retry.js';
import type { ChannelNotifier } from './privacy-service.js';
import type { ChannelPort, SummaryView } from './share-service.js';

/** Deleting an assessment (by its owner or by retention) replaces its posted summary with the "removed" card. */
export function createRemovalNotifier(deps: {
  readonly port: ChannelPort;
  readonly render: (view: SummaryView) => object;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
}): ChannelNotifier {
  return async (share) => {
    const card = deps.render({ kind: 'removed', share });
    await withConnectorRetry((signal) => deps.port.update(share, card, signal), deps.retry);
    deps.logger.info({ event: 'share.removed-from-channel', shareId: share.id, teamId: share.teamId }, 'Channel card replaced');
  };
}
