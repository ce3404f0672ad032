using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Functions.Hosting.Http;

namespace Functions.Api;

/// <summary>The paging part of every listing's query: <c>limit</c> (1-100, 20) and the opaque <c>cursor</c> of the previous page.</summary>
public static class PageQuery
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>The limit and cursor; otherwise the 400 naming <c>limit</c>.</summary>
    public static bool TryRead(HttpApiRequest request, string requestId, out int limit, out string? cursor, [NotNullWhen(false)] out HttpApiResponse? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        limit = DefaultLimit;
        cursor = request.QueryParameter("cursor") is { Length: > 0 } given ? given : null;
        problem = request.QueryParameter("limit") is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit)
            ? HttpResults.BadRequest("limit", $"limit must be a whole number from 1 to {MaxLimit}.", requestId)
            : null;
        return problem is null;
    }
}
