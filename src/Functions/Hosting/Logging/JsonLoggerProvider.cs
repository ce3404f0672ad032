using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting.Logging;

/// <summary>
/// Structured JSON log lines on stdout, one object a line, in the shape Lambda's JSON log format uses
/// (timestamp, level, message, requestId), with the envelope Powertools writes (function, service, cold_start,
/// the trace id), the keys of the open scopes (e.g. task_id) and the message template's properties.
/// Written here rather than with Microsoft.Extensions.Logging.Console's JSON formatter because that one
/// queues lines for a background thread: Lambda freezes the process as soon as the response is posted, so
/// queued lines would surface in a later invocation, or never. These lines are written synchronously.
/// </summary>
public sealed class JsonLoggerProvider(string functionName, string serviceName, Stream output, LogLevel minimumLevel) : ILoggerProvider
{
    // Log lines are never embedded in HTML: escape only what JSON requires, so '+' and '<' stay readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] EnvelopeKeys = ["timestamp", "level", "message", "function", "service", "logger"];

    // Every provider of the process writes through one lock, so lines from functions sharing stdout (the local
    // runner) never interleave.
    internal static readonly Lock OutputGate = new();

    [ThreadStatic]
    private static HashSet<string>? _threadWritten;

    [ThreadStatic]
    private static Dictionary<string, object?>? _threadScoped;

    [ThreadStatic]
    private static bool _threadWriting;

    public ILogger CreateLogger(string categoryName) => new JsonLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Reads Lambda's AWS_LAMBDA_LOG_LEVEL names; Information when absent or unknown.</summary>
    public static LogLevel ParseLevel(string? level) => level?.ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" or "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" or "CRITICAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var nested = _threadWriting;
        _threadWriting = true;
        try
        {
            Write(category, level, eventId, state, exception, formatter, nested);
        }
        finally
        {
            _threadWriting = nested;
        }
    }

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter, bool nested)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("message", formatter(state, exception));
            json.WriteString("function", functionName);
            json.WriteString("service", serviceName);
            json.WriteString("logger", category);
            // Reused per thread, so a log line allocates only its text; fresh ones if a value's ToString() logs.
            var written = nested ? new HashSet<string>(StringComparer.Ordinal) : _threadWritten ??= new HashSet<string>(StringComparer.Ordinal);
            written.Clear();
            written.UnionWith(EnvelopeKeys);
            if (InvocationScope.Current is { } invocation)
            {
                json.WriteString("requestId", invocation.RequestId);
                json.WriteBoolean("cold_start", invocation.ColdStart);
                written.UnionWith(["requestId", "cold_start"]);
                if (invocation.TraceId is not null)
                {
                    json.WriteString("traceId", invocation.TraceId);
                    written.Add("traceId");
                }
            }

            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
                written.Add("eventId");
            }

            if (LogScope.Any)
            {
                // An inner scope's value for a key replaces an outer one's.
                var scoped = nested ? new Dictionary<string, object?>(StringComparer.Ordinal) : _threadScoped ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                scoped.Clear();
                foreach (var (key, value) in LogScope.Keys())
                {
                    scoped[key] = value;
                }

                foreach (var (key, value) in scoped)
                {
                    if (written.Add(key))
                    {
                        WriteProperty(json, key, value, keepName: true);
                    }
                }

                scoped.Clear();
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    if (key == "{OriginalFormat}")
                    {
                        // For grouping warnings and errors; an INFO line is paid for by the byte, and eventId groups it.
                        if (level >= LogLevel.Warning)
                        {
                            json.WriteString("messageTemplate", value as string);
                        }

                        continue;
                    }

                    // A property a scope already carries under its snake_case name (TaskId as task_id) is written once.
                    if (!written.Contains(SnakeCase(key)) && written.Add(PropertyName(key)))
                    {
                        WriteProperty(json, key, value, keepName: false);
                    }
                }
            }

            if (exception is not null)
            {
                json.WriteString("errorType", exception.GetType().FullName);
                json.WriteString("errorMessage", exception.Message);
                json.WriteString("stackTrace", exception.ToString());
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        lock (OutputGate)
        {
            output.Write(buffer.WrittenSpan);
            output.Flush();
        }
    }

    private static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsAsciiLetterUpper(name[i]))
            {
                if (i > 0)
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(name[i]));
            }
            else
            {
                text.Append(name[i]);
            }
        }

        return text.ToString();
    }

    // Template properties are PascalCase ({TaskId}); written camelCase like the envelope's own keys.
    private static string PropertyName(string key) => key.Length > 0 && char.IsUpper(key[0]) ? char.ToLowerInvariant(key[0]) + key[1..] : key;

    private static void WriteProperty(Utf8JsonWriter json, string key, object? value, bool keepName)
    {
        var name = keepName ? key : PropertyName(key);
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case string text:
                json.WriteString(name, text);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int or long or short or byte or uint or ulong or ushort:
                json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(number))
                {
                    json.WriteNumber(name, number);
                }
                else
                {
                    // JSON has no NaN or Infinity; a log line must never throw.
                    json.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case TimeSpan span:
                json.WriteNumber(name, Math.Round(span.TotalMilliseconds, 3));
                break;
            case DateTimeOffset moment:
                json.WriteString(name, moment.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                break;
            case IFormattable formattable:
                json.WriteString(name, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, value.ToString());
                break;
        }
    }

    private sealed class JsonLogger(JsonLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => LogScope.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }

    private readonly LogLevel _minimumLevel = minimumLevel;
}
