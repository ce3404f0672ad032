namespace Functions.Hosting.Annotations;

/// <summary>One environment variable a function's template resource sets (value: an Fn::Sub string or plain text).</summary>
public sealed record EnvironmentSetting(string Name, string Value);
