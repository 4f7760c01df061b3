package io.roster.notification.email;

import io.roster.events.notification.NotificationKind;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an email from the Thymeleaf templates under {@code templates/email/}: for each kind,
 * {@code <kind>.subject.txt}, {@code <kind>.txt} (TEXT mode) and {@code <kind>.html} (HTML mode, where
 * every value is escaped: a name {@code <script>} shows as text). Templates are cached.
 */
@Component
public class EmailRenderer {

    private static final String PREFIX = "templates/email/";

    private final SpringTemplateEngine engine = new SpringTemplateEngine();

    EmailRenderer() {
        engine.addTemplateResolver(resolver(TemplateMode.HTML, "*.html", 1));
        engine.addTemplateResolver(resolver(TemplateMode.TEXT, "*.txt", 2));
        engine.setEnableSpringELCompiler(true);
    }

    private static ClassLoaderTemplateResolver resolver(TemplateMode mode, String pattern, int order) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(EmailRenderer.class.getClassLoader());
        resolver.setPrefix(PREFIX);
        resolver.setTemplateMode(mode);
        resolver.setResolvablePatterns(java.util.Set.of(pattern));
        resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resolver.setCacheable(true);
        resolver.setCheckExistence(true);
        resolver.setOrder(order);
        return resolver;
    }

    public RenderedEmail render(NotificationKind kind, Map<String, Object> model) {
        String name = templateName(kind);
        Context context = new Context(Locale.ENGLISH, model);
        String subject = oneLine(engine.process(name + ".subject.txt", context));
        context.setVariable("subject", subject);
        return new RenderedEmail(subject, engine.process(name + ".txt", context), engine.process(name + ".html", context));
    }

    static String templateName(NotificationKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A subject is one line whatever the names in it hold: no header can be smuggled in. */
    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}+", " ").replaceAll(" {2,}", " ").trim();
    }
}
