using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;

namespace Functions.Template;

/// <summary>
/// Builds openapi.json (OpenAPI 3.1) from the same sources as serverless.template: every route of
/// <see cref="FunctionCatalog"/> with its handler's <see cref="ApiRequestAttribute"/>, <see cref="ApiResponseAttribute"/>
/// and <see cref="ApiQueryAttribute"/>, and the schemas of the records the functions serialize, exported by
/// System.Text.Json from the one source-generated context (<see cref="FunctionsJsonContext"/>), so each name,
/// type and nullability is the wire's. The document is JSON text written here; Microsoft.OpenApi reads it back in
/// the tests and openapi-spec-validator checks it in CI.
/// </summary>
public static class OpenApiBuilder
{
    public const string FileName = "openapi.json";

    private const string ProblemSchema = "ProblemDetails";
    private const string GatewayMessageSchema = "GatewayMessage";

    private static readonly Dictionary<string, (string Pattern, string Description)> PathIds = new(StringComparer.Ordinal)
    {
        ["task_id"] = ("^[0-9a-f]{32}$", "A task's id: 32 lower-case hexadecimal digits (a UUIDv7)."),
        ["schedule_id"] = ("^[0-9a-f]{32}$", "A recurring schedule's id: 32 lower-case hexadecimal digits."),
        ["key_id"] = ("^[0-9a-f]{16}$", "An API key's id: 16 lower-case hexadecimal digits."),
    };

    private static readonly Dictionary<string, string> HeaderDescriptions = new(StringComparer.Ordinal)
    {
        ["Location"] = "Where the resource is read.",
        ["Idempotent-Replayed"] = "true when an idempotency key found an earlier request's result.",
        ["Retry-After"] = "Seconds to wait before trying again.",
        ["Cache-Control"] = "no-store: the body holds a secret.",
    };

    public static JsonObject Build(IReadOnlyList<FunctionDescriptor> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var schemas = new SchemaSet();
        schemas.Add(typeof(ProblemDetails));
        var paths = new JsonObject();
        foreach (var function in functions.Where(f => f.Route is { IsDefault: false }).OrderBy(f => f.Route!.Template, StringComparer.Ordinal).ThenBy(f => f.Route!.Method, StringComparer.Ordinal))
        {
            var route = function.Route!;
            var item = paths[route.Template] as JsonObject ?? new JsonObject();
            paths[route.Template] = item;
            item[route.Method.ToLowerInvariant()] = Operation(function, Handler(function), schemas);
        }

        var components = new JsonObject
        {
            ["schemas"] = schemas.Build(),
            ["securitySchemes"] = new JsonObject
            {
                ["bearerAuth"] = new JsonObject
                {
                    ["type"] = "http",
                    ["scheme"] = "bearer",
                    ["description"] = "An API key (POST /api/v1/keys) or the bootstrap token, checked at the edge by the HTTP API's Lambda authorizer.",
                },
            },
        };
        ((JsonObject)components["schemas"]!)[GatewayMessageSchema] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "API Gateway's own answer when the authorizer refuses a request.",
            ["properties"] = new JsonObject { ["message"] = new JsonObject { ["type"] = "string" } },
        };

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Delayed HTTP tasks",
                ["version"] = typeof(FunctionCatalog).Assembly.GetName().Version!.ToString(3),
                ["summary"] = "Call this URL with this payload later: one-time tasks, recurring schedules, signed deliveries with retries.",
                ["description"] = "Every refusal is application/problem+json (RFC 9457) whose errors name the field. Deliveries are signed with Standard Webhooks (see webhooks.taskDelivery).",
            },
            ["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "{baseUrl}",
                ["variables"] = new JsonObject
                {
                    ["baseUrl"] = new JsonObject
                    {
                        ["default"] = "http://127.0.0.1:5050",
                        ["description"] = "The stack's ApiUrl output, or the local runner.",
                    },
                },
            }),
            ["paths"] = paths,
            ["webhooks"] = new JsonObject { ["taskDelivery"] = new JsonObject { ["post"] = Webhook() } },
            ["components"] = components,
        };
    }

    public static string Render(IReadOnlyList<FunctionDescriptor> functions) =>
        Build(functions).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";

    private static MethodInfo Handler(FunctionDescriptor function)
    {
        var dot = function.Handler.LastIndexOf('.');
        var type = typeof(FunctionCatalog).Assembly.GetType(function.Handler[..dot], throwOnError: true)!;
        return type.GetMethod(function.Handler[(dot + 1)..]) ?? throw new InvalidOperationException($"No handler method {function.Handler}.");
    }

    private static JsonObject Operation(FunctionDescriptor function, MethodInfo handler, SchemaSet schemas)
    {
        var route = function.Route!;
        var operation = new JsonObject
        {
            ["operationId"] = OperationId(function.Name),
            ["tags"] = new JsonArray(Tag(route.Template)),
            ["summary"] = function.Description,
        };
        var parameters = new JsonArray();
        foreach (var name in PathParameters(route.Template))
        {
            var (pattern, description) = PathIds.TryGetValue(name, out var known) ? known : ("^[^/]+$", name);
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "path",
                ["required"] = true,
                ["description"] = description,
                ["schema"] = new JsonObject { ["type"] = "string", ["pattern"] = pattern },
            });
        }

        foreach (var query in handler.GetCustomAttributes<ApiQueryAttribute>())
        {
            var schema = new JsonObject { ["type"] = query.WholeNumber ? "integer" : "string" };
            if (query.Values.Length > 0)
            {
                schema["enum"] = new JsonArray([.. query.Values.Select(v => (JsonNode)v)]);
            }

            parameters.Add(new JsonObject { ["name"] = query.Name, ["in"] = "query", ["required"] = query.Required, ["description"] = query.Description, ["schema"] = schema });
        }

        if (handler.GetCustomAttribute<ApiPagedAttribute>() is not null)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = "limit",
                ["in"] = "query",
                ["required"] = false,
                ["description"] = "Page size.",
                ["schema"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = Functions.Api.PageQuery.MaxLimit, ["default"] = Functions.Api.PageQuery.DefaultLimit },
            });
            parameters.Add(new JsonObject
            {
                ["name"] = "cursor",
                ["in"] = "query",
                ["required"] = false,
                ["description"] = "The previous page's next_cursor.",
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        var request = handler.GetCustomAttribute<ApiRequestAttribute>();
        if (request is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = !request.Optional,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Reference(request.Body) } },
            };
        }

        var responses = new JsonObject();
        var declared = handler.GetCustomAttributes<ApiResponseAttribute>().ToList();
        if (declared.Count == 0)
        {
            throw new InvalidOperationException($"{function.Handler} ({route}) declares no [ApiResponse]: the OpenAPI document needs its answers.");
        }

        var refusals = new SortedDictionary<int, string>();
        if (request is not null || parameters.Count > 0)
        {
            refusals[400] = "A field is invalid: errors names it, and nothing was changed.";
        }

        if (request is not null)
        {
            refusals[415] = "The body is not sent as JSON in UTF-8.";
        }

        foreach (var answer in declared.OrderBy(a => a.Status))
        {
            refusals.Remove(answer.Status);
            responses[answer.Status.ToString(CultureInfo.InvariantCulture)] = Response(answer.Status, answer.Description, answer.Body, answer.Headers, schemas);
        }

        foreach (var (status, description) in refusals)
        {
            responses[status.ToString(CultureInfo.InvariantCulture)] = Response(status, description, null, [], schemas);
        }

        if (function.RequiresApiToken)
        {
            responses["401"] = GatewayRefusal("No Authorization header: API Gateway's answer.");
            var forbidden = GatewayRefusal(function.AdminOnly
                ? "The key is unknown or revoked (API Gateway's answer), or it is not an admin's (problem+json)."
                : "The key is unknown or revoked: API Gateway's answer.");
            if (function.AdminOnly)
            {
                ((JsonObject)forbidden["content"]!)["application/problem+json"] = new JsonObject { ["schema"] = Ref(ProblemSchema) };
            }

            responses["403"] = forbidden;
            operation["security"] = new JsonArray(new JsonObject { ["bearerAuth"] = new JsonArray() });
        }
        else
        {
            operation["security"] = new JsonArray();
        }

        responses["default"] = Response(500, "An unexpected error (problem+json with the request id).", null, [], schemas);
        operation["responses"] = Sorted(responses);
        return operation;
    }

    private static JsonObject Response(int status, string description, Type? body, string[] headers, SchemaSet schemas)
    {
        var response = new JsonObject { ["description"] = description };
        if (headers.Length > 0)
        {
            var map = new JsonObject();
            foreach (var header in headers)
            {
                map[header] = new JsonObject
                {
                    ["description"] = HeaderDescriptions.TryGetValue(header, out var text) ? text : header,
                    ["schema"] = new JsonObject { ["type"] = "string" },
                };
            }

            response["headers"] = map;
        }

        if (body is not null)
        {
            response["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Reference(body) } };
        }
        else if (status >= 400)
        {
            response["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref(ProblemSchema) } };
        }

        return response;
    }

    private static JsonObject GatewayRefusal(string description) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(GatewayMessageSchema) } },
    };

    /// <summary>The call the forwarder makes to a task's target: the Standard Webhooks headers and how the answer is taken.</summary>
    private static JsonObject Webhook()
    {
        static JsonObject Header(string name, string description, bool required = true) => new()
        {
            ["name"] = name,
            ["in"] = "header",
            ["required"] = required,
            ["description"] = description,
            ["schema"] = new JsonObject { ["type"] = "string" },
        };

        return new JsonObject
        {
            ["summary"] = "A task's delivery to its url.",
            ["description"] = "Sent at run_at with the task's method (POST unless the task names another), its headers, and its data as the body. Verify webhook-signature over \"{webhook-id}.{webhook-timestamp}.{body}\" with the caller's signing secret (GET /api/v1/signing-secret).",
            ["parameters"] = new JsonArray(
                Header("webhook-id", "The task id: the same on every attempt, so a receiver can drop a repeat."),
                Header("webhook-timestamp", "Unix seconds when the attempt was signed."),
                Header("webhook-signature", "v1,<base64 HMAC-SHA256> for each live signing secret, space-separated."),
                Header("Idempotency-Key", "The task id again, for receivers that deduplicate on this header."),
                Header("User-Agent", "delayed-http-tasks/<version>", required: false)),
            ["requestBody"] = new JsonObject
            {
                ["description"] = "The task's data as the caller sent it (none for a GET task).",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } },
            },
            ["responses"] = new JsonObject
            {
                ["2XX"] = new JsonObject { ["description"] = "Delivered: the task succeeds." },
                ["408"] = new JsonObject { ["description"] = "Retried after the backoff while attempts are left." },
                ["429"] = new JsonObject { ["description"] = "Retried; a Retry-After longer than the backoff is honoured." },
                ["5XX"] = new JsonObject { ["description"] = "Retried after the backoff while attempts are left (Retry-After honoured)." },
                ["default"] = new JsonObject { ["description"] = "Any other status (a 4xx, a redirect): the task fails, not retried." },
            },
        };
    }

    private static JsonObject Sorted(JsonObject responses)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in responses.OrderBy(r => r.Key == "default" ? 1 : 0).ThenBy(r => r.Key, StringComparer.Ordinal).ToList())
        {
            responses.Remove(key);
            sorted[key] = value;
        }

        return sorted;
    }

    private static JsonObject Ref(string schema) => new() { ["$ref"] = "#/components/schemas/" + schema };

    private static IEnumerable<string> PathParameters(string template) =>
        template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1]);

    private static string Tag(string template)
    {
        var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 2 ? segments[2] : segments[^1];
    }

    private static string OperationId(string functionName)
    {
        var name = functionName.EndsWith("Function", StringComparison.Ordinal) ? functionName[..^"Function".Length] : functionName;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>The records the document names, each exported once as a component, referring to each other by $ref.</summary>
    private sealed class SchemaSet
    {
        private readonly SortedDictionary<string, Type> _types = new(StringComparer.Ordinal);

        public void Add(Type type) => _types.TryAdd(Name(type), type);

        public JsonObject Reference(Type type)
        {
            if (type == typeof(JsonElement))
            {
                return new JsonObject { ["type"] = "object", ["description"] = "Any JSON object." };
            }

            Add(type);
            return Ref(Name(type));
        }

        public JsonObject Build()
        {
            var built = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
            var queue = new Queue<Type>(_types.Values);
            while (queue.TryDequeue(out var type))
            {
                if (built.ContainsKey(Name(type)))
                {
                    continue;
                }

                var info = FunctionsJsonContext.Default.GetTypeInfo(type) ?? throw new InvalidOperationException($"{type} is not in FunctionsJsonContext.");
                built[Name(type)] = JsonSchemaExporter.GetJsonSchemaAsNode(info, new JsonSchemaExporterOptions
                {
                    TreatNullObliviousAsNonNullable = true,
                    TransformSchemaNode = (context, node) =>
                    {
                        if (node is JsonValue any && any.GetValueKind() == JsonValueKind.True)
                        {
                            // JSON Schema's "true" (any value, e.g. a task's data) as the equivalent empty schema, which every reader takes.
                            return new JsonObject { ["description"] = "Any JSON value." };
                        }

                        if (context.Path.IsEmpty || !IsComponent(context.TypeInfo))
                        {
                            return node;
                        }

                        queue.Enqueue(context.TypeInfo.Type);
                        var reference = Ref(Name(context.TypeInfo.Type));
                        return node is JsonObject { } schema && schema["type"] is JsonArray types && types.Any(t => (string?)t == "null")
                            ? new JsonObject { ["anyOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) }
                            : reference;
                    },
                });
            }

            var schemas = new JsonObject();
            foreach (var (name, schema) in built)
            {
                schemas[name] = schema;
            }

            return schemas;
        }

        private static bool IsComponent(JsonTypeInfo info) =>
            info.Kind == JsonTypeInfoKind.Object && info.Type.Namespace?.StartsWith("Functions", StringComparison.Ordinal) == true;

        private static string Name(Type type) => type.Name;
    }
}
