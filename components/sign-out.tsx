/** Signing out is a plain form post to /signout (Auth.js), so it works without JavaScript. */
export function SignOutButton() {
  return (
    <form action="/signout" method="post">
      <button type="submit" className="underline underline-offset-2">
        Sign out
      </button>
    </form>
  );
}
