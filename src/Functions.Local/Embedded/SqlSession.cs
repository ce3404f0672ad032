using Microsoft.Data.Sqlite;

namespace Functions.Local.Embedded;

/// <summary>
/// The database as one piece of work sees it (<see cref="LocalDatabase.RunAsync{T}(Func{SqlSession, T}, CancellationToken)"/>): the connection inside its
/// transaction, with every statement prepared once and kept. SQLite parses a statement's text each time a new
/// command runs it; kept, a claim's SELECT and UPDATE cost only their execution. The commands belong to the
/// session: callers use them and let them be (the connection disposes them).
/// </summary>
public sealed class SqlSession
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    internal SqlSession(SqliteConnection connection) => _connection = connection;

    internal SqliteTransaction? Transaction { get; set; }

    /// <summary>The statement for <paramref name="text"/>, in the current transaction, with these parameters bound.</summary>
    public SqliteCommand Command(string text, params (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(text, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = text;
            _prepared[text] = command;
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    internal void Execute(string text) => Command(text).ExecuteNonQuery();
}
