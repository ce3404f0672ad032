using System.Text.Json;
using System.Text.Json.Nodes;
using Functions.Hosting.Http;
using Functions.Serialization;

namespace Functions.Testing;

/// <summary>Payload 2.0 events as API Gateway sends them, shaped like the committed sample events.</summary>
public static class HttpEvents
{
    private static readonly RouteTable Routes = RouteTable.FromCatalog();

    /// <summary>An event for any method and path; a body is sent as <paramref name="contentType"/>.</summary>
    public static string Create(string method, string path, string? body = null, bool base64 = false, string version = "2.0", string? contentType = "application/json")
    {
        var node = JsonNode.Parse(Repository.Event("health.json"))!.AsObject();
        node["version"] = version;
        node["routeKey"] = $"{method} {path}";
        node["rawPath"] = path;
        node["requestContext"]!["http"]!["method"] = method;
        node["requestContext"]!["http"]!["path"] = path;
        node["requestContext"]!["routeKey"] = $"{method} {path}";
        if (body is not null)
        {
            if (contentType is not null)
            {
                node["headers"]!["content-type"] = contentType;
            }

            node["body"] = body;
            node["isBase64Encoded"] = base64;
        }

        return node.ToJsonString();
    }

    /// <summary>
    /// An event for the catalog's route that serves <paramref name="method"/> <paramref name="path"/>, routed as API
    /// Gateway routes it (routeKey, path parameters), with the bearer token and query when given.
    /// </summary>
    public static (string Function, string Event) Routed(string method, string path, string? body = null, string? token = null, string? query = null, string? contentType = "application/json", bool base64 = false)
    {
        var match = Routes.Match(method, path);
        var function = match.Function ?? throw new InvalidOperationException($"No function serves {method} {path}");
        var @event = JsonNode.Parse(Create(method, path, body, base64, contentType: contentType))!.AsObject();
        @event["routeKey"] = function.Route!.RouteKey;
        @event["requestContext"]!["routeKey"] = function.Route.RouteKey;
        @event["pathParameters"] = match.PathParameters is { Count: > 0 } p ? JsonSerializer.SerializeToNode(p.ToDictionary(), FunctionsJsonContext.Default.DictionaryStringString) : null;
        if (token is not null)
        {
            @event["headers"]!["authorization"] = "Bearer " + token;
        }

        if (query is not null)
        {
            @event["rawQueryString"] = query;
            @event["queryStringParameters"] = new JsonObject(query.Split('&').Select(pair => pair.Split('=', 2))
                .Select(kv => new KeyValuePair<string, JsonNode?>(kv[0], Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))));
        }

        return (function.Name, @event.ToJsonString());
    }

    /// <summary>The event as API Gateway hands it on once the authorizer allowed it as <paramref name="caller"/>.</summary>
    public static string Allowed(string @event, string caller = "admin", bool admin = true)
    {
        var node = JsonNode.Parse(@event)!.AsObject();
        node["requestContext"]!["authorizer"] = new JsonObject
        {
            ["lambda"] = new JsonObject { ["caller"] = caller, ["admin"] = admin ? "true" : "false" },
        };
        return node.ToJsonString();
    }
}
