package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.execution.NonNullableFieldWasNullError;
import graphql.language.Document;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every GraphQL operation OpenCtiClient sends (its {@code static final String} operation constants) validates
 * against the platform's schema, as a hand-written subset ({@code opencti-schema-subset.graphql}, sources in its
 * header). A misspelt field, a wrong argument or variable type fails here instead of on the platform.
 */
class OpenCtiSchemaTest {

    private static GraphQLSchema schema() throws IOException {
        try (InputStream in = OpenCtiSchemaTest.class.getResourceAsStream("/opencti-schema-subset.graphql")) {
            String sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return UnExecutableSchemaGenerator.makeUnExecutableSchema(new SchemaParser().parse(sdl));
        }
    }

    /** The operation constants, by field name. */
    static Map<String, String> operations() throws IllegalAccessException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : OpenCtiClient.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                f.setAccessible(true);
                String value = (String) f.get(null);
                if (value != null && value.matches("(?s)\\s*(query|mutation)\\b.*")) {
                    out.put(f.getName(), value);
                }
            }
        }
        return out;
    }

    @Test
    void everyOperationTheClientSendsValidatesAgainstThePlatformsSchema() throws Exception {
        GraphQLSchema schema = schema();
        Map<String, String> operations = operations();
        assertThat(operations).containsKeys("ABOUT", "REGISTER_CONNECTOR", "PING_CONNECTOR", "GET_CONNECTOR_QUEUE",
                "WORK_ADD", "IS_WORK_ALIVE", "WORK_TO_PROCESSED", "STIX_BUNDLE_PUSH", "UPLOAD_PENDING");
        for (Map.Entry<String, String> op : operations.entrySet()) {
            Document document = Parser.parse(op.getValue());
            List<ValidationError> errors = new Validator().validateDocument(schema, document, Locale.ENGLISH);
            assertThat(errors).as("%s: %s", op.getKey(), op.getValue()).isEmpty();
        }
    }

    @Test
    void theSchemaSubsetRejectsWhatThePlatformWould() throws Exception {
        GraphQLSchema schema = schema();
        // the old ping without connectorInfo's type, a misspelt field, a wrong variable type
        for (String wrong : List.of(
                "mutation P($id: ID!, $state: String, $connectorInfo: String) { pingConnector(id: $id, state: $state, "
                        + "connectorInfo: $connectorInfo) { id } }",
                "query { about { versions } }",
                "mutation W($id: String!) { workEdit(id: $id) { toProcessed(message: \"m\", inError: false) } }")) {
            assertThat(new Validator().validateDocument(schema, Parser.parse(wrong), Locale.ENGLISH))
                    .as(wrong).isNotEmpty();
        }
    }

    @Test
    void theVariablesThePingSendsCoerceToConnectorInfoInput() throws Exception {
        GraphQL graphql = GraphQL.newGraphQL(schema()).build();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("run_and_terminate", false);
        info.put("buffering", true);
        info.put("queue_threshold", 500.0);
        info.put("queue_messages_size", 612.5);
        info.put("next_run_datetime", null);
        info.put("last_run_datetime", null);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("id", "c");
        vars.put("state", "null");
        vars.put("connectorInfo", info);
        ExecutionResult r = graphql.execute(ExecutionInput.newExecutionInput(OpenCtiClient.PING_CONNECTOR)
                .variables(vars).build());
        assertThat(r.getErrors()).as("only 'no data' from an unexecutable schema")
                .allMatch(e -> e instanceof NonNullableFieldWasNullError);
        info.put("queue_threshold", "five hundred");
        List<GraphQLError> wrong = graphql.execute(ExecutionInput.newExecutionInput(OpenCtiClient.PING_CONNECTOR)
                .variables(vars).build()).getErrors();
        assertThat(wrong).isNotEmpty().noneMatch(e -> e instanceof NonNullableFieldWasNullError);
    }
}
