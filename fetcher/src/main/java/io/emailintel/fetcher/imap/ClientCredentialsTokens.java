package io.emailintel.fetcher.imap;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.io.IOException;

/**
 * Microsoft 365 IMAP as an application (learn.microsoft.com/exchange/client-developer/legacy-protocols/
 * how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth, "client credentials grant flow"): the app has
 * the {@code IMAP.AccessAsApp} permission of Office 365 Exchange Online, a service principal granted access to
 * the mailbox ({@code Add-MailboxPermission}), and asks for the scope {@code https://outlook.office365.com/.default}
 * through the same azure-identity credential as the Graph source.
 */
public final class ClientCredentialsTokens implements ImapLogin.TokenSource {

    public static final String OUTLOOK_SCOPE = "https://outlook.office365.com/.default";

    private final TokenCredential credential;
    private final String scope;

    public ClientCredentialsTokens(TokenCredential credential, String scope) {
        this.credential = credential;
        this.scope = scope == null ? OUTLOOK_SCOPE : scope;
    }

    @Override
    public String token() throws IOException {
        try {
            AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            if (token == null) {
                throw new ImapLoginException("Entra ID gave no token for " + scope);
            }
            return token.getToken();
        } catch (RuntimeException e) {
            throw new ImapLoginException("Entra ID refused a token for " + scope + ": " + e.getMessage());
        }
    }
}
