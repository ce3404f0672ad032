using System.Globalization;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Microsoft.Data.Sqlite;

namespace Functions.Local.Embedded;

/// <summary>API keys (hashed) and callers' signing-secret generations in the embedded database, as the DynamoDB store keeps them.</summary>
public sealed class LocalCallerStore(LocalDatabase database) : IApiKeyStore, ICallerSecretStore
{
    private const string KeyColumns = "key_id, caller, is_admin, key_hash, created_at, last_used_on, revoked_at";

    public Task CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.RunAsync(sql =>
        {
            var insert = sql.Command($"INSERT INTO api_keys ({KeyColumns}) VALUES ($id, $caller, $admin, $hash, $created, NULL, NULL)",
                ("$id", key.KeyId), ("$caller", key.Caller), ("$admin", key.IsAdmin ? 1 : 0), ("$hash", key.Hash), ("$created", Timestamps.Format(key.CreatedAt)));
            return insert.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        database.RunAsync(sql => Find(sql, keyId), cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ApiKeyRecord>>(sql =>
        {
            var query = sql.Command($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at DESC, key_id");
            using var reader = query.ExecuteReader();
            var keys = new List<ApiKeyRecord>();
            while (reader.Read())
            {
                keys.Add(Read(reader));
            }

            return keys;
        }, cancellationToken);

    public Task<ApiKeyRecord?> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var update = sql.Command("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $at) WHERE key_id = $id", ("$at", Timestamps.Format(at)), ("$id", keyId));
            update.ExecuteNonQuery();
            return Find(sql, keyId);
        }, cancellationToken);

    public Task MarkUsedAsync(string keyId, DateOnly day, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var update = sql.Command("UPDATE api_keys SET last_used_on = $day WHERE key_id = $id", ("$day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("$id", keyId));
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task<SecretGenerations> GetAsync(string caller, CancellationToken cancellationToken) =>
        database.RunAsync(sql => Generations(sql, caller), cancellationToken);

    public Task<SecretGenerations> RotateAsync(string caller, DateTimeOffset previousUntil, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var current = Generations(sql, caller);
            var upsert = sql.Command("""
                INSERT INTO callers (name, generation, previous_generation, previous_until) VALUES ($name, $next, $current, $until)
                ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, previous_generation = excluded.previous_generation, previous_until = excluded.previous_until
                """,
                ("$name", caller), ("$next", current.Current + 1), ("$current", current.Current), ("$until", Timestamps.Format(previousUntil)));
            upsert.ExecuteNonQuery();
            return new SecretGenerations(current.Current + 1, current.Current, previousUntil);
        }, cancellationToken);

    private static SecretGenerations Generations(SqlSession sql, string caller)
    {
        var query = sql.Command("SELECT generation, previous_generation, previous_until FROM callers WHERE name = $name", ("$name", caller));
        using var reader = query.ExecuteReader();
        return reader.Read()
            ? new SecretGenerations(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : Timestamps.Parse(reader.GetString(2)))
            : SecretGenerations.Initial;
    }

    private static ApiKeyRecord? Find(SqlSession sql, string keyId)
    {
        var query = sql.Command($"SELECT {KeyColumns} FROM api_keys WHERE key_id = $id", ("$id", keyId));
        using var reader = query.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static ApiKeyRecord Read(SqliteDataReader reader) => new()
    {
        KeyId = reader.GetString(0),
        Caller = reader.GetString(1),
        IsAdmin = reader.GetInt64(2) != 0,
        Hash = reader.GetString(3),
        CreatedAt = Timestamps.Parse(reader.GetString(4)),
        LastUsedOn = reader.IsDBNull(5) ? null : DateOnly.ParseExact(reader.GetString(5), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        RevokedAt = reader.IsDBNull(6) ? null : Timestamps.Parse(reader.GetString(6)),
    };
}
