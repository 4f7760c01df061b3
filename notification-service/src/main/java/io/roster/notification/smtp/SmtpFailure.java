package io.roster.notification.smtp;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why an email could not be sent, and whether trying again later can help. Transient: the server could
 * not be reached, timed out, or answered 4xx. Permanent: it answered 5xx (unknown recipient, refused
 * credentials, refused message), or the recipient is not an address at all.
 */
public final class SmtpFailure extends Exception {

    private static final Pattern REPLY_CODE = Pattern.compile("^\\s*([245])\\d\\d[ -]");

    private final boolean permanent;

    private SmtpFailure(boolean permanent, String message, Throwable cause) {
        super(message, cause, false, false);
        this.permanent = permanent;
    }

    public static SmtpFailure permanent(String message, Throwable cause) {
        return new SmtpFailure(true, message, cause);
    }

    public static SmtpFailure transientFailure(String message, Throwable cause) {
        return new SmtpFailure(false, message, cause);
    }

    public boolean isPermanent() {
        return permanent;
    }

    /** Classifies what Jakarta Mail threw. */
    public static SmtpFailure of(MessagingException error) {
        if (error instanceof AddressException) {
            return permanent("not an email address: " + oneLine(error.getMessage()), error);
        }
        Integer code = replyCode(error);
        if (code != null) {
            String what = error instanceof AuthenticationFailedException ? "the SMTP server refused the credentials: "
                    : "the SMTP server answered ";
            return new SmtpFailure(code >= 500, what + oneLine(serverReply(error)), error);
        }
        if (error instanceof AuthenticationFailedException) {
            return permanent("the SMTP server refused the credentials: " + oneLine(error.getMessage()), error);
        }
        Throwable io = ioCause(error);
        if (io != null) {
            return transientFailure("cannot reach the SMTP server: " + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : " " + oneLine(io.getMessage())), error);
        }
        return transientFailure("SMTP error: " + oneLine(error.getMessage()), error);
    }

    /** The most severe SMTP reply code in the exception chain (5xx over 4xx), or null when there is none. */
    static Integer replyCode(MessagingException error) {
        Integer worst = null;
        for (Exception e = error; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            Integer code = codeOf(e);
            if (code != null && (worst == null || code / 100 > worst / 100)) {
                worst = code;
            }
        }
        return worst;
    }

    private static Integer codeOf(Exception e) {
        int code = -1;
        if (e instanceof SMTPAddressFailedException a) {
            code = a.getReturnCode();
        } else if (e instanceof SMTPSenderFailedException s) {
            code = s.getReturnCode();
        } else if (e instanceof SMTPSendFailedException s) {
            code = s.getReturnCode();
        } else if (e instanceof AuthenticationFailedException && e.getMessage() != null) {
            Matcher matcher = REPLY_CODE.matcher(e.getMessage());
            if (matcher.find()) {
                code = Integer.parseInt(e.getMessage().trim().substring(0, 3));
            }
        }
        return code >= 400 && code < 600 ? code : null;
    }

    private static String serverReply(MessagingException error) {
        for (Exception e = error; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            if (codeOf(e) != null) {
                return e.getMessage();
            }
        }
        return error.getMessage();
    }

    private static Throwable ioCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return t;
            }
            if (t instanceof MessagingException m && m.getNextException() instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("[\\r\\n\\t]+", " ").trim();
        return flat.length() > 500 ? flat.substring(0, 500) + "…" : flat;
    }
}
