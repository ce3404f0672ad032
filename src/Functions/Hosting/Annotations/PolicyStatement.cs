namespace Functions.Hosting.Annotations;

/// <summary>One IAM statement of a function's role (CloudFormation Fn::Sub strings as resources).</summary>
public sealed record PolicyStatement(IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<string>? LeadingKeys = null);
