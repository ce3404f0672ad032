using System.Text;
using Microsoft.Data.Sqlite;

namespace Functions.Local.Embedded;

/// <summary>
/// Newest-first listings of the embedded stores, read a page at a time: the query asks for one row more than the
/// page, its second column is the sort key, and the cursor (opaque base64 text tied to its listing) holds the last
/// row's sort key and id, so the next page goes on after it. A cursor of another listing is refused.
/// </summary>
internal static class LocalPages
{
    /// <summary>The page's items and the cursor of the next (null on the last page).</summary>
    public static (List<T> Items, string? NextCursor) Read<T>(SqliteDataReader reader, int limit, string listing, Func<SqliteDataReader, T> read, Func<T, string> id)
    {
        var rows = new List<(T Item, string Sort)>();
        while (reader.Read())
        {
            rows.Add((read(reader), reader.GetString(1)));
        }

        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{listing}|{rows[^1].Sort}|{id(rows[^1].Item)}"));
        }

        return ([.. rows.Select(r => r.Item)], next);
    }

    /// <summary>Where a cursor goes on from: the last row's sort key and id (both null without a cursor).</summary>
    public static (string? Sort, string? Id) After(string? cursor, string listing)
    {
        if (cursor is null)
        {
            return (null, null);
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|');
            if (parts.Length == 3 && parts[0] == listing && parts[1].Length > 0 && parts[2].Length > 0)
            {
                return (parts[1], parts[2]);
            }
        }
        catch (FormatException)
        {
        }

        throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another filter.");
    }
}
