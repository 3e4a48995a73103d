// A real OpenID provider for the hub's single sign-on test: npm `oidc-provider` (its
// development interactions accept any login name with any password, then ask for consent).
// Started by crates/earshot-hub/tests/web.rs; prints `ISSUER=<url>` once it listens.
//
// Environment: IDP_CLIENT_ID, IDP_CLIENT_SECRET, IDP_REDIRECT (the hub's callback) and
// IDP_GROUPS, a JSON object of login name → groups. The groups claim is released for the
// `groups` scope; as OpenID Connect's conforming default has it, scope-requested claims go to
// the userinfo endpoint, not the ID token, so the hub's userinfo path is what is exercised.
import http from "node:http";
import Provider from "oidc-provider";
import { env } from "./helpers.mjs";
const groups = JSON.parse(env("IDP_GROUPS"));

const server = http.createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: env("IDP_CLIENT_ID"),
    client_secret: env("IDP_CLIENT_SECRET"),
    redirect_uris: [env("IDP_REDIRECT")],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  scopes: ["openid", "profile", "groups"],
  claims: { openid: ["sub"], profile: ["preferred_username", "name"], groups: ["groups"] },
  async findAccount(_ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, preferred_username: sub, name: sub, groups: groups[sub] ?? [] };
      },
    };
  },
  cookies: { keys: ["a key for the test provider only"] },
  features: { devInteractions: { enabled: true } },
});
server.on("request", provider.callback());
console.log(`ISSUER=${issuer}`);
