import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container health check of the Roster images: GET the readiness group of the service in this
 * container and exit 0 on HTTP 200, 1 otherwise. The JRE base image is not promised to keep curl or
 * wget, so the check is a class compiled in the image's build stage and run with the image's own JRE.
 *
 * <pre>java -cp /opt/roster/healthcheck HealthCheck [url]</pre>
 * Without a URL it checks http://127.0.0.1:$SERVER_PORT/actuator/health/readiness. A failure is reported through
 * the JDK's own logger ({@code System.Logger}; the image has no logging library for this class), one bare line on
 * standard error, which Docker keeps in the container's health log.
 */
public final class HealthCheck {

    private HealthCheck() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
        }
        System.Logger log = System.getLogger(HealthCheck.class.getName());
        String url = args.length > 0 ? args[0]
                : "http://127.0.0.1:" + System.getenv().getOrDefault("SERVER_PORT", "8080") + "/actuator/health/readiness";
        int status;
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(8000);
            connection.setRequestProperty("Accept", "application/json");
            status = connection.getResponseCode();
            connection.disconnect();
        } catch (Exception e) {
            log.log(System.Logger.Level.ERROR, url + ": " + e);
            System.exit(1);
            return;
        }
        if (status != 200) {
            log.log(System.Logger.Level.ERROR, url + ": HTTP " + status);
            System.exit(1);
        }
    }
}
