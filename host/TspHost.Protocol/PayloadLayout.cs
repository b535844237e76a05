namespace TspHost.Protocol;

/// <summary>
/// The wire layout of <typeparamref name="TPayload"/>: its fields in order, found by running its
/// declaration (<see cref="IPayload{TSelf}.Fields"/>) once. <see cref="FrameSchema"/> holds these very
/// arrays, so a frame's layout and its payload type can be compared by reference.
/// </summary>
/// <typeparam name="TPayload">The declared payload.</typeparam>
public static class PayloadLayout<TPayload> where TPayload : struct, IPayload<TPayload>
{
    /// <summary>The fields, in wire order.</summary>
    public static Field[] Fields { get; } = Describe();

    private static Field[] Describe()
    {
        var schema = new SchemaVisitor([]);
        var payload = default(TPayload);
        TPayload.Fields(ref schema, ref payload);
        return [.. schema.Fields];
    }

    private readonly struct SchemaVisitor(List<Field> fields) : IFieldVisitor
    {
        public List<Field> Fields => fields;

        public void Field(ref uint value, string name = "") => Add(name, FieldKind.U32);

        public void Field(ref int value, string name = "") => Add(name, FieldKind.I32);

        public void Field(ref ulong value, string name = "") => Add(name, FieldKind.U64);

        public void Field(ref nint value, string name = "") => Add(name, FieldKind.U64);

        public void Field(ref string? value, string name = "") => Add(name, FieldKind.String);

        private void Add(string expression, FieldKind kind)
        {
            var name = Protocol.Field.WireName(expression);
            if (fields.Exists(f => f.Name == name))
            {
                throw new InvalidOperationException($"{typeof(TPayload).Name} declares the field '{name}' twice.");
            }

            fields.Add(new Field(name, kind));
        }
    }
}
