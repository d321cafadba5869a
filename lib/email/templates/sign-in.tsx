import { Text } from "@react-email/components";
import { EmailButton, EmailLayout, portalBrand } from "./layout";

export type SignInEmailProps = { url: string; appUrl: string; expiresMinutes: number };

/** The magic link. It opens a page with a "Sign in" button, so a mail scanner cannot spend it. */
export function SignInEmail({ url, appUrl, expiresMinutes }: SignInEmailProps) {
  return (
    <EmailLayout
      brand={portalBrand}
      appUrl={appUrl}
      preview="Your sign-in link for your orders"
      title="Your sign-in link"
    >
      <Text>Here is your link to sign in and see all your orders:</Text>
      <EmailButton href={url} color={portalBrand.brandColor}>
        Sign in to your orders
      </EmailButton>
      <Text style={{ fontSize: "14px", color: "#57534e" }}>
        The link works once and expires in {expiresMinutes} minutes. If you did not ask for it, you can ignore this
        email: nobody can sign in without it.
      </Text>
      <Text style={{ fontSize: "13px", color: "#57534e", wordBreak: "break-all" }}>
        Or paste this address into your browser: {url}
      </Text>
    </EmailLayout>
  );
}

SignInEmail.PreviewProps = {
  url: "http://localhost:3000/signin/confirm?token=example&email=maya%40example.com",
  appUrl: "http://localhost:3000",
  expiresMinutes: 15,
} satisfies SignInEmailProps;
