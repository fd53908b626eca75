"""Date polls: organisations vote on candidate slots, and the chosen one becomes the convening."""
