export default function NotFound() {
  return <p data-testid="not-found">not found</p>;
}
