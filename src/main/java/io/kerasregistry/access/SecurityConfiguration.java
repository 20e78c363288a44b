package io.kerasregistry.access;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Every endpoint's required role, in one table. Reading needs {@code READER}; changing models,
 * versions and the custom-object catalogue needs {@code PUBLISHER}; approving and moving aliases
 * needs {@code APPROVER}; tokens, deletion and administration need {@code ADMIN}. Anything not listed
 * needs {@code ADMIN}, so a new endpoint is closed until someone decides otherwise. Probes, metrics
 * and the API documentation are open.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final String API = "/api/v1";

    @Bean
    RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy("""
                ROLE_ADMIN > ROLE_PUBLISHER
                ROLE_ADMIN > ROLE_APPROVER
                ROLE_PUBLISHER > ROLE_READER
                ROLE_APPROVER > ROLE_READER""");
    }

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, TokenService tokens, SecurityProperties properties,
            ProblemResponses problems) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(problems.unauthorized())
                        .accessDeniedHandler(problems.forbidden()))
                .addFilterBefore(new TokenAuthenticationFilter(tokens, properties, problems),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(rules -> {
                    rules.requestMatchers("/actuator/health", "/actuator/health/**", "/livez", "/readyz",
                            "/actuator/info").permitAll();
                    if (properties.metricsPublic()) {
                        rules.requestMatchers("/actuator/prometheus").permitAll();
                    }
                    rules.requestMatchers("/", "/openapi.yaml", "/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs",
                            "/v3/api-docs/**", "/error").permitAll();

                    rules.requestMatchers(API + "/tokens", API + "/tokens/**", API + "/admin/**").hasRole("ADMIN");
                    rules.requestMatchers(HttpMethod.DELETE, API + "/models/*").hasRole("ADMIN");

                    rules.requestMatchers(HttpMethod.POST, API + "/models/*/versions/*/approval",
                            API + "/models/*/versions/*/archive").hasRole("APPROVER");
                    rules.requestMatchers(HttpMethod.PUT, API + "/models/*/aliases/*").hasRole("APPROVER");
                    rules.requestMatchers(HttpMethod.DELETE, API + "/models/*/aliases/*").hasRole("APPROVER");

                    rules.requestMatchers(HttpMethod.POST, API + "/models", API + "/models/*/versions",
                            API + "/models/*/versions/*/validate").hasRole("PUBLISHER");
                    rules.requestMatchers(HttpMethod.PATCH, API + "/models/*").hasRole("PUBLISHER");
                    rules.requestMatchers(HttpMethod.PUT, API + "/models/*/versions/*/reference",
                            API + "/custom-objects/*/*").hasRole("PUBLISHER");
                    rules.requestMatchers(HttpMethod.DELETE, API + "/custom-objects/*/*").hasRole("PUBLISHER");

                    if (properties.anonymousRead()) {
                        rules.requestMatchers(HttpMethod.GET, API + "/**").permitAll();
                        rules.requestMatchers(HttpMethod.HEAD, API + "/**").permitAll();
                    } else {
                        rules.requestMatchers(HttpMethod.GET, API + "/**").hasRole("READER");
                        rules.requestMatchers(HttpMethod.HEAD, API + "/**").hasRole("READER");
                    }
                    rules.anyRequest().hasRole("ADMIN");
                });
        return http.build();
    }
}
