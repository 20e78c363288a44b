package io.kerasregistry.validation;

import io.kerasregistry.common.ProblemDocuments;
import io.kerasregistry.common.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A process in role {@code worker} answers {@code /api/v1} with 503. Its memory and CPU are sized
 * for validation, not for streaming uploads and downloads, and traffic routed to it by mistake
 * should fail loudly rather than quietly take capacity from the jobs. Probes and metrics stay.
 */
@Configuration(proxyBeanMethods = false)
class WorkerRoleFilter {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> workerRoleApiFilter(RoleProperties role, JsonMapper json) {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return role.role() != ServiceRole.WORKER;
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                ProblemDocuments.write(response, ProblemDocuments.of(ProblemType.SERVICE_UNAVAILABLE,
                        "this process runs validation jobs only (keras-registry.role=worker); "
                                + "send API requests to a process in role 'api' or 'all'",
                        request.getRequestURI()), json);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/api/v1/*");
        // before the security filters: the answer is the same with or without a token
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setName("workerRoleApiFilter");
        return registration;
    }
}
