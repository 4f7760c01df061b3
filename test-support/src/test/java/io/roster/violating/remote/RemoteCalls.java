package io.roster.violating.remote;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import java.net.HttpURLConnection;

/** Every HTTP client a service might reach for instead of Kafka. */
public class RemoteCalls {

    private WebClient webClient;
    private RestTemplate restTemplate;
    private RestClient restClient;
    private java.net.http.HttpClient jdkClient;
    private HttpURLConnection connection;
    private reactor.netty.http.client.HttpClient nettyClient;
}
