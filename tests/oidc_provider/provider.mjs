// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for the SSO tests.
// Started by tests/oidc_server.py with: node provider.mjs
// Settings from the environment:
//   OIDC_PORT      port on 127.0.0.1
//   OIDC_CLIENT    JSON of the one client: {client_id, client_secret, redirect_uris,
//                  post_logout_redirect_uris}
//   OIDC_ACCOUNTS  JSON: login -> claims (email, email_verified, preferred_username, groups, ...)
// The provider's own development sign-in pages are used (any password): the tests are about
// what the service does with the identity the provider asserts, not the provider's passwords.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || "{}");

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      ...client,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["preferred_username", "name"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...(accounts[id] || {}) };
      },
    };
  },
  // Claims go into the ID token too, as the service reads them from it.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["test-only-cookie-key"] },
});
provider.proxy = false;

provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
