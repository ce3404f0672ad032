namespace Functions.Hosting.Annotations;

/// <summary>
/// One IAM statement of a function's role (CloudFormation Fn::Sub strings as resources), conditioned on the item
/// keys it may touch (<paramref name="LeadingKeys"/>) or, for iam:PassRole, the one service the role may be passed to.
/// </summary>
public sealed record PolicyStatement(IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<string>? LeadingKeys = null, string? PassedToService = null);
