package com.mstore.hub.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts an edited kamelet file into the running hub: the routes built from the kamelet are rebuilt
 * from the new version, with the parameters their callers gave. Camel reloads route files but not
 * kamelets: a kamelet is a route template, read once when a route first calls it, and each call
 * site becomes a route of its own built from it.
 *
 * <p>Nothing changes unless the whole edit can be used: the file must parse, and every route built
 * from the kamelet must have what the new version requires. Otherwise this throws, the file
 * watcher logs it with the file (and the parser's line and column), and the last good version
 * keeps running. If rebuilding fails even so, the previous version is put back.
 */
final class KameletReload {

    private static final Logger LOG = LoggerFactory.getLogger(KameletReload.class);
    static final String SUFFIX = ".kamelet.yaml";
    /** The template parameters Camel's kamelet component records on each route it builds. */
    private static final String TEMPLATE_ID = "templateId";
    private static final String PARENT_ROUTE_ID = "parentRouteId";
    private static final String PARENT_PROCESSOR_ID = "parentProcessorId";

    private final ModelCamelContext context;

    KameletReload(CamelContext context) {
        this.context = (ModelCamelContext) context;
    }

    /** Puts the edited kamelet file into the running hub; throws why not, and the last good version keeps running. */
    void reload(Path path) {
        try {
            onReload(path);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void onReload(Path path) throws Exception {
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource("file:" + path);
        String file = path.getFileName().toString();
        if (!file.endsWith(SUFFIX)) {
            return;
        }
        String templateId = file.substring(0, file.length() - SUFFIX.length());
        RouteTemplateDefinition edited = parse(resource, templateId)
                .orElseThrow(() -> new IllegalArgumentException("the file defines no kamelet named " + templateId));
        RouteTemplateDefinition previous = context.getRouteTemplateDefinition(templateId);
        if (previous == null) {
            LOG.info("Kamelet {} changed; no route uses it yet, so it is read when one does", templateId);
            return;
        }
        List<Built> built = routesBuiltFrom(templateId);
        for (Built route : built) {
            List<String> missing = missingParameters(edited, route.parameters());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("kamelet " + templateId + " now requires " + missing
                        + ", which route " + route.parentRouteId() + " does not give it: the previous version keeps running");
            }
        }
        try {
            replace(previous, edited, built);
        } catch (Exception failed) {
            replace(edited, previous, List.of());
            rebuild(built);
            throw new IllegalStateException("kamelet " + templateId + " could not be rebuilt (" + failed.getMessage()
                    + "): the previous version is back", failed);
        }
        LOG.info("Reloaded kamelet {}: rebuilt {} route(s) of it, used by {}", templateId, built.size(),
                built.stream().map(Built::parentRouteId).distinct().toList());
    }

    /** The kamelet as its file now says, parsed without touching the running context. */
    private Optional<RouteTemplateDefinition> parse(Resource resource, String templateId) throws Exception {
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (builder instanceof RouteBuilder routeBuilder) {
                routeBuilder.configureRoutes(context);
                for (RouteTemplateDefinition template : routeBuilder.getRouteTemplateCollection().getRouteTemplates()) {
                    if (templateId.equals(template.getId())) {
                        return Optional.of(template);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** One route Camel built from the kamelet for one call site, and what is needed to build it again. */
    private record Built(RouteDefinition definition, String parentRouteId, String parentProcessorId, Map<String, Object> parameters) {
    }

    private List<Built> routesBuiltFrom(String templateId) {
        List<Built> built = new ArrayList<>();
        for (RouteDefinition definition : context.getRouteDefinitions()) {
            Map<String, Object> recorded = definition.getTemplateParameters();
            if (!Boolean.TRUE.equals(definition.isKamelet()) || recorded == null || !templateId.equals(recorded.get(TEMPLATE_ID))) {
                continue;
            }
            // the parameters as the call site gave them, not with the old version's defaults filled in
            // (the call site's endpoint, not the kamelet:source inside the route, which names it too)
            Map<String, Object> given = context.getEndpoints().stream()
                    .filter(KameletEndpoint.class::isInstance).map(KameletEndpoint.class::cast)
                    .filter(endpoint -> templateId.equals(endpoint.getTemplateId()) && definition.getId().equals(endpoint.getRouteId()))
                    .filter(endpoint -> templateId.equals(endpoint.getKameletProperties().get(TEMPLATE_ID)))
                    .findFirst().map(KameletEndpoint::getKameletProperties)
                    .orElseThrow(() -> new IllegalStateException("no kamelet endpoint builds route " + definition.getId()));
            built.add(new Built(definition, (String) recorded.get(PARENT_ROUTE_ID), (String) recorded.get(PARENT_PROCESSOR_ID),
                    new HashMap<>(given)));
        }
        return built;
    }

    private static List<String> missingParameters(RouteTemplateDefinition template, Map<String, Object> given) {
        List<String> missing = new ArrayList<>();
        if (template.getTemplateParameters() != null) {
            for (RouteTemplateParameterDefinition parameter : template.getTemplateParameters()) {
                if (parameter.isRequired() && parameter.getDefaultValue() == null && !given.containsKey(parameter.getName())) {
                    missing.add(parameter.getName());
                }
            }
        }
        return missing;
    }

    private void replace(RouteTemplateDefinition out, RouteTemplateDefinition in, List<Built> built) throws Exception {
        context.removeRouteDefinitions(built.stream().map(Built::definition).toList());
        context.removeRouteTemplateDefinition(out);
        context.addRouteTemplateDefinition(in);
        rebuild(built);
    }

    private void rebuild(List<Built> built) throws Exception {
        for (Built route : built) {
            if (context.getRouteDefinition(route.definition().getId()) != null) {
                continue;
            }
            String id = context.addRouteFromKamelet(route.definition().getId(), (String) route.parameters().get(TEMPLATE_ID),
                    route.definition().getNodePrefixId(), route.definition().getGroup(), route.parentRouteId(),
                    route.parentProcessorId(), route.parameters());
            if (!context.getRouteController().getRouteStatus(id).isStarted()) {
                context.getRouteController().startRoute(id);
            }
        }
    }
}
