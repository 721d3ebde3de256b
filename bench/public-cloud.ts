/**
 * botbuilder's public-cloud endpoints, spelled out. Setting any one endpoint (such as the OpenID
 * metadata URL) switches botbuilder to "parameterized" auth, where every endpoint left unset is
 * undefined rather than defaulted; the channel issuer check then rejects every token. So a bot that
 * overrides the metadata URL must name the rest (values from botframework-connector's
 * AuthenticationConstants and CallerIdConstants, botbuilder 4.23).
 */
export const PUBLIC_CLOUD_AUTH = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
} as const;
