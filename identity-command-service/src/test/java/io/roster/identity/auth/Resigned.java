package io.roster.identity.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.util.function.UnaryOperator;

/**
 * What an attacker holding a key (or a test holding the identity's own) makes of a real token: its claims, changed
 * or not, signed again under a chosen key id. Re-signing the unchanged claims with the real key is the control that
 * shows a refusal comes from the change, not from the re-signing.
 */
final class Resigned {

    private Resigned() {
    }

    static String token(String realToken, RSAKey signingKey, String keyId, UnaryOperator<JWTClaimsSet.Builder> change) {
        try {
            JWTClaimsSet claims = change.apply(new JWTClaimsSet.Builder(SignedJWT.parse(realToken).getJWTClaimsSet())).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims);
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unchanged(String realToken, RSAKey signingKey) {
        return token(realToken, signingKey, signingKey.getKeyID(), claims -> claims);
    }
}
