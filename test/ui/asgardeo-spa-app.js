// The browser application of test/ui/asgardeo-spa.test.ts: what a single-page app built on
// @asgardeo/auth-spa does on every page load, and nothing more. It initializes the SDK with the
// configuration its page carries and, when the organization sends the browser back with a code
// or an error (the sign-in callback, or a prompt=none answer inside the SDK's hidden iframe),
// hands the URL to signIn(), which is how the SDK's documentation says to finish a sign-in.
// Plain JavaScript: the page loads it as it is, next to the SDK's own browser build.

/* global AsgardeoAuth */
const config = JSON.parse(document.getElementById('sdk-config').textContent);
const auth = AsgardeoAuth.AsgardeoSPAClient.getInstance();

/** A settled outcome the test can read: the SDK's value, or its error's message and code. */
function outcome(promise) {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error: String(error?.message ?? error), code: error?.code }),
  );
}

const ready = outcome(
  auth.initialize(config).then(() => {
    const params = new URL(location.href).searchParams;
    return params.has('code') || params.has('error') ? auth.signIn() : null;
  }),
);

window.app = { auth, config, ready, outcome };
