import { ClientRequest } from 'node:http';
import nock from 'nock';

// Tests never reach the internet; loopback stays open for Azurite, the bot and the connector.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

/*
 * nock 14 lets loopback through @mswjs/interceptors 0.39's socket, which reports an error a request is
 * destroyed with twice: once itself, and again when the real socket it passes the destroy on to reports it
 * (mswjs/msw#2617). Node reports it once, and the Azure SDK's HTTP client under the Bot Connector client
 * listens with `once`: under nock, every connector call its abort signal cut short (the share's budget
 * running out) ended in an uncaught exception that production, without nock, never has. This makes an
 * intercepted request behave as Node's: the error it was destroyed with reaches it once. A request with no
 * error listener of its own still throws, as in Node. Remove once nock's interceptors emit it once.
 */
// Called below as destroy.call(this, …), so it keeps its `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const destroy = ClientRequest.prototype.destroy;
ClientRequest.prototype.destroy = function (this: ClientRequest, error?: Error) {
  if (error && !this.destroyed) {
    let seen = false;
    this.prependListener('error', (e: Error) => {
      const repeat = e === error && seen;
      if (e === error) seen = true;
      if (!repeat && this.listenerCount('error') === 1) throw e;
    });
  }
  return destroy.call(this, error);
};
