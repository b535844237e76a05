namespace FixtureDependency;

/// <summary>Reports which version of this library was loaded.</summary>
public static class DependencyInfo
{
    public static string Version => typeof(DependencyInfo).Assembly.GetName().Version!.ToString(2);
}
