import nock from 'nock';

// Tests never reach the internet; loopback stays open for Azurite, the bot and the connector.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
