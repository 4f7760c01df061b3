package io.roster.testsupport.openapi;

import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The routes a running service really maps, read from its Spring context: every {@link RequestMappingHandlerMapping}
 * (annotated controllers) and every {@link RouterFunctionMapping} (functional routes). springdoc's own document and
 * UI endpoints are left out: they are not part of the API they describe.
 */
public final class MappedRoutes {

    /** One method on one path template, as the OpenAPI document spells it ({@code /a/{id}}), and what serves it. */
    public record Route(String method, String path, String handler) implements Comparable<Route> {
        @Override
        public int compareTo(Route other) {
            return (path + " " + method).compareTo(other.path + " " + other.method);
        }

        @Override
        public String toString() {
            return method + " " + path + " (" + handler + ")";
        }
    }

    /** A route mapped without a method restriction answers every method. */
    static final List<String> ALL_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private MappedRoutes() {
    }

    public static Set<Route> of(ApplicationContext context) {
        Set<Route> routes = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            mapping.getHandlerMethods().forEach((info, method) -> {
                String handler = method.getBeanType().getName();
                if (handler.startsWith("org.springdoc.")) {
                    return;
                }
                for (String path : paths(info)) {
                    for (String verb : methods(info)) {
                        routes.add(new Route(verb, path, method.getBeanType().getSimpleName() + "." + method.getMethod().getName()));
                    }
                }
            });
        }
        for (RouterFunctionMapping mapping : context.getBeansOfType(RouterFunctionMapping.class).values()) {
            if (mapping.getRouterFunction() != null) {
                FunctionalRoutes visitor = new FunctionalRoutes();
                mapping.getRouterFunction().accept(visitor);
                routes.addAll(visitor.routes);
            }
        }
        return routes;
    }

    private static List<String> paths(RequestMappingInfo info) {
        return info.getPatternsCondition().getPatterns().stream().map(PathPattern::getPatternString)
                .map(MappedRoutes::template).toList();
    }

    private static List<String> methods(RequestMappingInfo info) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        return methods.isEmpty() ? ALL_METHODS : methods.stream().map(RequestMethod::name).sorted().toList();
    }

    /** {@code /a/{id:[0-9]+}} → {@code /a/{id}}: OpenAPI path templates carry no patterns. */
    static String template(String pattern) {
        return pattern.replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
    }

    /** Method and path of every route of a router function, nested prefixes included. */
    private static final class FunctionalRoutes implements RouterFunctions.Visitor, RequestPredicates.Visitor {

        final List<Route> routes = new ArrayList<>();
        private final Deque<String> prefixes = new ArrayDeque<>();
        private final Set<String> methods = new LinkedHashSet<>();
        private String path = "";

        @Override
        public void startNested(RequestPredicate predicate) {
            reset();
            predicate.accept(this);
            prefixes.push(currentPrefix() + path);
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            reset();
            predicate.accept(this);
            for (String verb : methods.isEmpty() ? ALL_METHODS : List.copyOf(methods)) {
                routes.add(new Route(verb, template(currentPrefix() + path), "RouterFunction " + handlerFunction));
            }
        }

        private String currentPrefix() {
            return prefixes.isEmpty() ? "" : prefixes.peek();
        }

        private void reset() {
            methods.clear();
            path = "";
        }

        @Override
        public void resources(Function<ServerRequest, Mono<org.springframework.core.io.Resource>> lookupFunction) {
            // static resources are not API routes
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
        }

        @Override
        public void method(Set<HttpMethod> httpMethods) {
            httpMethods.forEach(m -> methods.add(m.name()));
        }

        @Override
        public void path(String pattern) {
            path = pattern;
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }
}
